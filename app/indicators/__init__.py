"""Municipal indicators: figures per municipality and year imported from the files public
statistics sites export (Kolada, SCB, Socialstyrelsen), and the prioritisation view that
reads them beside the engagement stage and the last held meeting (map layer, ranking list).
Nothing is fetched from the internet: a user uploads the file."""
