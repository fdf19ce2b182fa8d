"""Policy milestones: dated events the team enters ("Återvandringsbidraget höjs",
2026-01-01), drawn as vertical markers on the report charts and listed on organisation pages,
so that changes in activity can be read against them. Coordinators and admins change them."""
