"""Questionnaires to the organisations (first of all the 290 municipalities): built by a
coordinator, sent with a personal link per organisation through the mailings, answered on a
public page outside the login (app/questionnaires/public/), reminded, and rolled up into
results, the municipality's page and the lägesbild."""
