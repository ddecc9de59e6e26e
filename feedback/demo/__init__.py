"""Demo: the synthetic council (invented people and places only) that `make run` loads into an empty
database, with a timeline of sent messages and answers.

May import: every domain package, models and platform modules. Nothing imports demo except the CLI.
"""
