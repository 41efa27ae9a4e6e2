"""A consultation's glossary: its page, its editor, and the marking of terms in public texts."""
