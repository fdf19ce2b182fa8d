"""The library: guidance, information material, good examples and research references, their
versions (an uploaded file or a link), and the distribution log of who received which version."""
