"""The organisation registry: municipalities, county boards, regions, agencies, civil society.

Also the counties (län) they belong to, and loading the reference data (`reference.py`).
"""
