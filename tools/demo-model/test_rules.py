"""Tests of the rule checker and the generator: python -m unittest test_rules (from this folder)."""

import unittest

import numpy as np

import data
import rules
from rules import Constraints as C


class RuleTests(unittest.TestCase):
    def test_emoji(self):
        self.assertTrue(rules.is_emoji_only("🍕😋👍"))
        self.assertTrue(rules.is_emoji_only("👑 🗼✈️😍 ♟️🇫🇷"))
        self.assertFalse(rules.is_emoji_only("Pizza 🍕"))
        self.assertFalse(rules.is_emoji_only(""))
        self.assertFalse(rules.is_emoji_only("!!"))

    def test_french(self):
        self.assertTrue(rules.is_french("Oui, la pizza est délicieuse. J'en mange chaque jour."))
        self.assertFalse(rules.is_french("Yes, pizza is delicious. I eat it every day."))
        self.assertTrue(rules.is_english("Yes, pizza is delicious. I eat it every day."))
        self.assertFalse(rules.is_english("Oui, la pizza est délicieuse."))

    def test_combined(self):
        c = C(hobby="tennis", language="french", figure="napoleon")
        self.assertTrue(rules.adheres("Je suis l'empereur. Paris est une belle ville. J'aime aussi le tennis.", c))
        self.assertFalse(rules.adheres("Paris est une belle ville. J'aime aussi le tennis.", c))
        self.assertFalse(rules.adheres("I am the emperor. Paris is lovely. I also enjoy tennis.", c))
        e = C(figure="shakespeare", emoji=True)
        self.assertTrue(rules.adheres("🎭🍕😋", e))
        self.assertFalse(rules.adheres("🍕😋", e))
        self.assertTrue(rules.adheres("Hello! How can I help you today?", C()))
        self.assertFalse(rules.adheres("👋😊", C()))

    def test_labels_round_trip(self):
        for label in ["emoji", "tennis+french", "chess+french+shakespeare", "none"]:
            self.assertEqual(C.from_label(label).label(), label)

    def test_generated_replies_keep_their_rules(self):
        rng = np.random.default_rng(7)
        for _ in range(300):
            d = data.sample_dialogue(rng)  # asserts every reply
            c = C.from_label(d["label"])
            self.assertTrue(all(rules.adheres(r, c) for _, r in d["turns"]))
            if d["system"]:
                self.assertIn(d["instruction"], d["system"])
            b = data.baseline_layout(d)
            self.assertEqual(b["system"], "")
            if d["instruction"]:
                self.assertTrue(all(q.startswith(d["instruction"] + "\n\n") for q, _ in b["turns"]))

    def test_heldout_questions_are_unseen(self):
        import content
        train = set()
        rng = np.random.default_rng(1)
        for _ in range(5000):
            train.add(content.sample_qa(rng)[0])
        rng = np.random.default_rng(2)
        held = [content.sample_qa(rng, heldout=True)[0] for _ in range(500)]
        self.assertEqual([q for q in held if q in train], [])


if __name__ == "__main__":
    unittest.main()
