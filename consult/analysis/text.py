"""The one way comment text is normalised for search: lower case, without accents."""
import unicodedata


def search_form(text: str) -> str:
    """'Équipes de SOINS' -> 'equipes de soins'. Stored in Comment.search_text and applied to queries,
    so that French and English searches ignore accents and case alike on SQLite and PostgreSQL."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()
