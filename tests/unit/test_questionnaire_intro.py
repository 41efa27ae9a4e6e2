"""The questionnaire's introduction lists the consultation's prompts inside one sentence."""
from consult.questionnaires.builder import DEFAULT_INTROS, listed_prompts


def test_prompts_ending_with_a_question_mark_make_one_list_in_each_language():
    english = listed_prompts(["Does this match your experience?", "What would you add?", "  "], "en")
    assert english == "does this match your experience; what would you add"
    sentence = DEFAULT_INTROS["en"].format(level="key element", levels="key elements", prompts=english)
    assert "a few questions: does this match your experience; what would you add. Answer" in sentence
    french = listed_prompts(["Ce que vous appuyez.", "Ce que vous changeriez ?", "Ce qui manque\u202f!"], "fr")
    assert french == "ce que vous appuyez ; ce que vous changeriez ; ce qui manque"
