"""Model: plain figures computed from the typed tables (dates, figures, entities, indicators, dataset
and quality summaries). Nothing here formats or renders."""
