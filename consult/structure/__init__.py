"""A consultation's structure as a JSON document: validation, import and export."""
