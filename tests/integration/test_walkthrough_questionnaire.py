"""What a newcomer hit in the questionnaire: labels, and changes made after submitting."""
# ruff: noqa: F811  (pytest fixtures imported from the questionnaire tests are parameters here)
import re
from collections import Counter

from tests.integration.test_questionnaire import SLUG, en, site  # noqa: F401  (fixtures)


def repeated_ids(html: str) -> list[str]:
    return [name for name, count in Counter(re.findall(r'\sid="([^"]+)"', html)).items() if count > 1]


def test_the_email_me_my_link_field_has_its_own_label(en, site):
    html = en.get(f"/consultations/{SLUG}/questionnaire/").get_data(as_text=True)
    assert repeated_ids(html) == []
    lost_link = html[html.index('class="lost-link"'):]
    label_for = re.search(r'<label[^>]* for="([^"]+)"[^>]*>Email address</label>', lost_link).group(1)
    assert re.search(rf'<input[^>]* id="{label_for}"[^>]* name="email"', lost_link)
