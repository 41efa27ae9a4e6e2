"""The figures of the 2025 consultation the demo reproduces (consult/data/consultation-method.json)."""
import json
from dataclasses import dataclass
from importlib import resources

REFERENCE_FILE = "consultation-method.json"

PROVINCE_CODES = {
    "Alberta": "AB", "Colombie-Britannique": "BC", "Manitoba": "MB", "Nouveau-Brunswick": "NB",
    "Terre-Neuve-et-Labrador": "NL", "Nouvelle-Écosse": "NS", "Territoires du Nord-Ouest": "NT", "Nunavut": "NU",
    "Ontario": "ON", "Île-du-Prince-Édouard": "PE", "Québec": "QC", "Saskatchewan": "SK", "Yukon": "YT",
}


@dataclass(frozen=True)
class Shape:
    """The figures of the reference consultation this demo reproduces."""

    qc_categories: dict[str, int]  # category name (French) -> participants
    qc_organisations: int
    ca_forum: int
    ca_organisations: int
    ca_provinces: list[str]
    interviews: int
    respondents: int
    submissions: int
    total: int

    @property
    def qc_forum(self) -> int:
        return sum(self.qc_categories.values())


def reference_shape() -> Shape:
    document = json.loads(resources.files("consult.data").joinpath(REFERENCE_FILE).read_text("utf-8"))
    qc, ca = (next(track for track in document["tracks"] if track["name"] == name)
              for name in ("Volet québécois", "Volet canadien"))
    shape = Shape(
        qc_categories=dict(qc["participants"]["by_category"]), qc_organisations=qc["participants"]["organizations"],
        ca_forum=ca["participants"]["forum_participants"], ca_organisations=ca["participants"]["organizations"],
        ca_provinces=[PROVINCE_CODES[name] for name in ca["participants"]["provinces"]],
        interviews=ca["interviews"]["count"], respondents=ca["online_questionnaire"]["respondents"],
        submissions=document["written_submissions"]["count"], total=document["total_participants"]["value"])
    # The four groups are disjoint and the submissions come from among them.
    assert shape.qc_forum == qc["participants"]["total"]
    assert shape.qc_forum + shape.ca_forum + shape.interviews + shape.respondents == shape.total
    assert shape.submissions <= shape.total
    return shape
