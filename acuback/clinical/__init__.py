"""The pure clinical core: no Django, no database, no I/O beyond reading packaged data files.

Every clinical decision acuback makes (scoring, screening, prescribing, coverage) is a plain
function here, tested without a database.
"""
