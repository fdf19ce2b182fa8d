"""Reports: the monthly activity summary, the lägesbild (national situation picture) with its
map, the silence list and the whole-period report. Owns no tables; reads meetings,
follow-ups, contacts and organisations with SQL aggregates."""
