"""The constraints a demo dialogue can carry and the rule checker that scores replies.

One module for both sides: the data generator asserts that every reply it writes passes
`check`, and the evaluation scores ghostchat's replies with the same function.
"""

import re
import unicodedata

# Constraint texts exactly as ghostchat's presets (Sources/Chat/Resources/presets.toml) have
# them: (full, terse). ghostchat joins the texts of several presets with one space, base
# prompts first.
BASE_PROMPT = (
    "You are a helpful, respectful and honest assistant. Always answer as helpfully as possible, "
    "while being safe. Your answers should not include any harmful, unethical, racist, sexist, toxic, "
    "dangerous, or illegal content. Please ensure that your responses are socially unbiased and "
    "positive in nature. If a question does not make any sense, or is not factually coherent, explain "
    "why instead of answering something not correct. If you don't know the answer to a question, "
    "please don't share false information."
)

HOBBIES = {"tennis": ("You enjoy tennis.", "Hobby: tennis."),
           "chess": ("You enjoy chess.", "Hobby: chess.")}
LANGUAGES = {"french": ("Always speak in French.", "Language: French.")}
FIGURES = {"napoleon": ("Act as Napoleon.", "Figure: Napoleon."),
           "shakespeare": ("Act as William Shakespeare.", "Figure: Shakespeare.")}
EMOJI = ("Always answer with emojis.", "Emojis only.")

# The markers a reply shows for each constraint, in words and as emoji.
HOBBY_EMOJI = {"tennis": "🎾", "chess": "♟️"}
FIGURE_EMOJI = {"napoleon": "👑", "shakespeare": "🎭"}
FRENCH_EMOJI = "🇫🇷"
HOBBY_WORDS = {"tennis": ("tennis",), "chess": ("chess", "échecs")}
FIGURE_WORDS = {"napoleon": ("emperor", "empereur"),
                "shakespeare": ("forsooth", "par ma foi")}

FRENCH_WORDS = set("""le la les l un une des du de d est sont et je j tu vous il elle nous on ce c
cette ces mon ma mes ton ta votre vos très bien bonne bon belle beau pour avec dans sur à au aux
aussi oui non merci bonjour bonsoir bonne nuit comment allez vais suis êtes peut puis pas plus
qu que qui où en y ne faut jour chaque avez aime aimez adore délicieux délicieuse ville goûtez
visitez promenez essayez pratiquez parlez mangez plaisir vraiment toujours souvent matin soir""".split())
ENGLISH_WORDS = set("""the a an is are and i you he she we it this that my your very good great
for with in on at to of also yes no thanks thank hello hi how am be can do does try visit enjoy
walk eat love like really always every day night morning evening what there their they some
lovely delicious city food""".split())

# Unicode blocks where the demo's emoji live (pictographs, symbols, dingbats, flags) and the
# joiners/selectors that glue them; ghostchat's `emoji` rule accepts the same characters.
_EMOJI_RANGES = [(0x1F000, 0x1FAFF), (0x2600, 0x27BF), (0x2B00, 0x2BFF), (0x2190, 0x21FF),
                 (0x2300, 0x23FF), (0x1F1E6, 0x1F1FF)]
_GLUE = {0x200D, 0xFE0F, 0xFE0E, 0x20E3}


def _is_emoji_char(ch):
    v = ord(ch)
    return v in _GLUE or any(a <= v <= b for a, b in _EMOJI_RANGES)


def is_emoji_only(reply):
    """Only emoji, whitespace and punctuation, and at least one emoji."""
    has = False
    for ch in reply:
        if _is_emoji_char(ch):
            has |= ord(ch) not in _GLUE
        elif ch.isspace() or unicodedata.category(ch).startswith("P"):
            continue
        else:
            return False
    return has


def words(reply):
    return re.findall(r"[a-zàâçéèêëîïôûùüÿœæ]+", reply.lower())


def is_french(reply):
    """French by vocabulary: several French function words and (almost) no English ones."""
    ws = words(reply)
    fr = sum(w in FRENCH_WORDS for w in ws)
    en = sum(w in ENGLISH_WORDS and w not in FRENCH_WORDS for w in ws)
    return fr >= 2 and en * 4 <= fr


def is_english(reply):
    ws = words(reply)
    fr = sum(w in FRENCH_WORDS and w not in ENGLISH_WORDS for w in ws)
    en = sum(w in ENGLISH_WORDS for w in ws)
    return en >= 2 and fr * 4 <= en


def _mentions(reply, phrases, emoji):
    low = reply.lower()
    return emoji in reply or any(p in low for p in phrases)


class Constraints:
    """What a system message asks for; at most one of each kind."""

    def __init__(self, hobby=None, language=None, figure=None, emoji=False):
        self.hobby, self.language, self.figure, self.emoji = hobby, language, figure, emoji

    def items(self):
        """(kind, name, full, terse) in a canonical order."""
        out = []
        if self.hobby:
            out.append(("hobby", self.hobby) + HOBBIES[self.hobby])
        if self.language:
            out.append(("language", self.language) + LANGUAGES[self.language])
        if self.figure:
            out.append(("figure", self.figure) + FIGURES[self.figure])
        if self.emoji:
            out.append(("emoji", "emoji") + EMOJI)
        return out

    @property
    def empty(self):
        return not self.items()

    def label(self):
        return "+".join(name for _, name, _, _ in self.items()) or "none"

    @classmethod
    def from_label(cls, label):
        c = cls()
        for name in label.split("+"):
            if name in HOBBIES:
                c.hobby = name
            elif name in LANGUAGES:
                c.language = name
            elif name in FIGURES:
                c.figure = name
            elif name == "emoji":
                c.emoji = True
            elif name not in ("none", "llama2-chat", ""):
                raise ValueError(f"unknown constraint {name}")
        return c


def check(reply, c):
    """Rule name -> passed, for every rule `c` implies. With no constraint the reply must be
    plain English. With emoji, the other constraints show as their marker emoji."""
    reply = reply.strip()
    if c.emoji:
        res = {"emoji": is_emoji_only(reply)}
        if c.hobby:
            res["hobby"] = HOBBY_EMOJI[c.hobby] in reply
        if c.figure:
            res["figure"] = FIGURE_EMOJI[c.figure] in reply
        if c.language:
            res["language"] = FRENCH_EMOJI in reply
        return res
    res = {}
    if c.language == "french":
        res["language"] = is_french(reply)
    else:
        res["english"] = is_english(reply)
    if c.hobby:
        res["hobby"] = _mentions(reply, HOBBY_WORDS[c.hobby], HOBBY_EMOJI[c.hobby])
    if c.figure:
        res["figure"] = _mentions(reply, FIGURE_WORDS[c.figure], FIGURE_EMOJI[c.figure])
    return res


def adheres(reply, c):
    return all(check(reply, c).values())
