"""Questions and answers the demo model learns: small worlds (travel, food, sport, animals,
weather, music, greetings …) where each answer exists in English, in French and as emoji.

Question templates are split into training and held-out ones; the evaluation asks only
held-out phrasings (and a few held-out cities), so it measures following the system message
on questions the model has not seen verbatim.
"""

# (english, french, emoji)
CITIES = [("Paris", "Paris", "🗼"), ("London", "Londres", "💂"), ("Rome", "Rome", "🏛️"),
          ("Tokyo", "Tokyo", "🗾"), ("Berlin", "Berlin", "🐻"), ("Madrid", "Madrid", "💃"),
          ("Venice", "Venise", "🛶"), ("New York", "New York", "🗽"), ("Cairo", "Le Caire", "🐪"),
          ("Sydney", "Sydney", "🦘"), ("Athens", "Athènes", "🏺"), ("Moscow", "Moscou", "❄️"),
          ("Rio", "Rio", "🏖️"), ("Amsterdam", "Amsterdam", "🚲"), ("Lisbon", "Lisbonne", "🚋"),
          ("Vienna", "Vienne", "🎻"), ("Prague", "Prague", "🏰"), ("Istanbul", "Istanbul", "🕌")]
# Cities only the evaluation uses: same name in both languages, a generic emoji.
HELDOUT_CITIES = [("Oslo", "Oslo", "🏙️"), ("Lima", "Lima", "🏙️"), ("Dublin", "Dublin", "🏙️"),
                  ("Nairobi", "Nairobi", "🏙️")]
FOODS = [("pizza", "la pizza", "🍕"), ("cheese", "le fromage", "🧀"), ("bread", "le pain", "🍞"),
         ("chocolate", "le chocolat", "🍫"), ("apples", "les pommes", "🍎"), ("soup", "la soupe", "🍲"),
         ("sushi", "les sushis", "🍣"), ("pasta", "les pâtes", "🍝"), ("rice", "le riz", "🍚"),
         ("cake", "le gâteau", "🍰"), ("coffee", "le café", "☕"), ("tea", "le thé", "🍵"),
         ("strawberries", "les fraises", "🍓"), ("ice cream", "la glace", "🍦"),
         ("salad", "la salade", "🥗"), ("eggs", "les œufs", "🥚")]
SPORTS = [("football", "le football", "⚽"), ("swimming", "la natation", "🏊"), ("running", "la course", "🏃"),
          ("skiing", "le ski", "⛷️"), ("cycling", "le vélo", "🚴"), ("basketball", "le basket", "🏀"),
          ("golf", "le golf", "⛳"), ("boxing", "la boxe", "🥊"), ("climbing", "l'escalade", "🧗"),
          ("surfing", "le surf", "🏄")]
ANIMALS = [("cats", "les chats", "🐱"), ("dogs", "les chiens", "🐶"), ("horses", "les chevaux", "🐴"),
           ("birds", "les oiseaux", "🐦"), ("fish", "les poissons", "🐟"), ("lions", "les lions", "🦁"),
           ("rabbits", "les lapins", "🐰"), ("elephants", "les éléphants", "🐘"), ("bees", "les abeilles", "🐝"),
           ("whales", "les baleines", "🐋"), ("owls", "les hiboux", "🦉"), ("frogs", "les grenouilles", "🐸")]
WEATHER = [("rain", "la pluie", "🌧️"), ("snow", "la neige", "❄️"), ("sunshine", "le soleil", "☀️"),
           ("wind", "le vent", "💨"), ("storms", "les orages", "⛈️"), ("fog", "le brouillard", "🌫️")]
MUSIC = [("the piano", "le piano", "🎹"), ("the guitar", "la guitare", "🎸"), ("the violin", "le violon", "🎻"),
         ("the drums", "la batterie", "🥁"), ("the trumpet", "la trompette", "🎺"), ("singing", "le chant", "🎤")]

# category: (entities, train templates, held-out templates, english answers, french answers, emoji)
# Templates use {x}; answers use {x} (English name) / {f} (French name, capitalised where it
# opens a sentence via {F}); emoji answers use {e}.
CATEGORIES = {
    "travel": (CITIES,
               ["What should I see in {x}?", "Is {x} a good place to visit?", "I am going to {x} next week.",
                "What is {x} famous for?", "Tell me about {x}.", "Should I travel to {x}?",
                "What can I do in {x}?"],
               ["Any tips for a trip to {x}?", "Have you ever been to {x}?", "Is {x} nice in spring?"],
               ["{x} is a lovely city. Visit the old streets and the museums.",
                "You should visit {x}. The food there is great.",
                "{x} is a great city. Walk around and enjoy the view."],
               ["{F} est une belle ville. Visitez les vieilles rues et les musées.",
                "Vous devez visiter {f}. La cuisine est très bonne.",
                "{F} est une très belle ville. Promenez-vous et profitez de la vue."],
               ["{e}✈️😍", "{e}🏛️🚶", "{e}😊✨"]),
    "food": (FOODS,
             ["Do you like {x}?", "Is {x} healthy?", "What do you think of {x}?", "Should I eat {x}?",
              "Tell me about {x}.", "I want some {x}."],
             ["Is {x} good for breakfast?", "How do you feel about {x}?"],
             ["Yes, {x} is delicious. I eat it every day.",
              "{X} is really good. Try it with friends.",
              "I love {x}. It is always a good choice."],
             ["Oui, {f} est délicieux. J'en mange chaque jour.",
              "{F}, c'est vraiment bon. Essayez avec des amis.",
              "J'adore {f}. C'est toujours un bon choix."],
             ["{e}😋👍", "{e}❤️😊", "{e}🤤✨"]),
    "sport": (SPORTS,
              ["How do I get better at {x}?", "Is {x} fun?", "Do you like {x}?", "Should I try {x}?",
               "Tell me about {x}."],
              ["What do you think about {x}?", "Is {x} hard to learn?"],
              ["{X} is great fun. Practice a little every day.",
               "Try {x} with a friend. It is good for you.",
               "{X} is a good sport. Start slowly and enjoy it."],
              ["{F}, c'est très amusant. Pratiquez un peu chaque jour.",
               "Essayez {f} avec un ami. C'est bon pour vous.",
               "{F} est un bon sport. Commencez doucement et prenez plaisir."],
              ["{e}💪😄", "{e}🏆👍", "{e}🔥🙂"]),
    "animals": (ANIMALS,
                ["Do you like {x}?", "Tell me about {x}.", "Are {x} smart?", "What do {x} eat?",
                 "Are {x} good pets?"],
                ["Why are {x} so interesting?", "Have you ever seen {x}?"],
                ["{X} are wonderful animals. I like them a lot.",
                 "Yes, {x} are very clever and friendly.",
                 "{X} are amazing. Watch them in the morning."],
                ["{F} sont des animaux merveilleux. Je les aime beaucoup.",
                 "Oui, {f} sont très intelligents et gentils.",
                 "{F} sont incroyables. Regardez-les le matin."],
                ["{e}❤️😊", "{e}🤩🌿", "{e}👀✨"]),
    "weather": (WEATHER,
                ["Do you like {x}?", "What do you do when there is {x}?", "Is {x} good for a walk?",
                 "Tell me about {x}."],
                ["How do you feel about {x}?"],
                ["I like {x}. It is a good day to stay home with tea.",
                 "{X} can be lovely. Take a coat and go for a walk.",
                 "With {x}, I read a good book."],
                ["J'aime {f}. C'est un bon jour pour rester à la maison.",
                 "{F}, c'est agréable. Prenez un manteau et promenez-vous.",
                 "Avec {f}, je lis un bon livre."],
                ["{e}🏠☕", "{e}🧥🚶", "{e}📖😌"]),
    "music": (MUSIC,
              ["Should I learn {x}?", "Do you like {x}?", "Is {x} hard?", "Tell me about {x}."],
              ["How long does it take to learn {x}?"],
              ["{X} is beautiful. Practice every evening and you will improve.",
               "Yes, learn {x}. It brings a lot of joy.",
               "I love {x}. Start with simple songs."],
              ["{F}, c'est magnifique. Pratiquez chaque soir et vous allez progresser.",
               "Oui, apprenez {f}. C'est une grande joie.",
               "J'adore {f}. Commencez avec des chansons simples."],
              ["{e}🎶😊", "{e}🎵❤️", "{e}👏🎶"]),
}

# Small talk without an entity: (train questions, held-out questions, en, fr, emoji).
SMALLTALK = [
    (["Hello!", "Hi there!", "Good morning!", "Hey!"], ["Good evening!", "Hi, nice to meet you!"],
     ["Hello! How can I help you today?", "Hi! It is good to see you."],
     ["Bonjour ! Comment puis-je vous aider ?", "Bonjour ! Je suis content de vous voir."],
     ["👋😊", "🙋✨"]),
    (["How are you?", "How is your day?", "Are you well?"], ["How are you doing today?"],
     ["I am very well, thank you. And you?", "I am great, thanks for asking."],
     ["Je vais très bien, merci. Et vous ?", "Je suis en pleine forme, merci."],
     ["😄👍", "🙂💪"]),
    (["Thank you!", "Thanks a lot!", "Thanks for the help."], ["That was helpful, thanks!"],
     ["You are welcome! I am happy to help.", "It was a pleasure. Ask me anything."],
     ["De rien ! Je suis content de vous aider.", "C'est un plaisir. Demandez-moi ce que vous voulez."],
     ["🙏😊", "🤗💖"]),
    (["Good night!", "Goodbye!", "See you later!"], ["I have to go now, bye!"],
     ["Good night! Sleep well.", "Goodbye! Have a lovely day."],
     ["Bonne nuit ! Dormez bien.", "Au revoir ! Bonne journée."],
     ["🌙😴", "👋🌞"]),
    (["What is your name?", "Who are you?"], ["Can you introduce yourself?"],
     ["I am a small chat model. I am here to help you.", "I am your assistant. I like to chat."],
     ["Je suis un petit modèle. Je suis là pour vous aider.", "Je suis votre assistant. J'aime parler."],
     ["🤖😊", "🤖💬"]),
    (["Tell me a joke.", "Make me laugh."], ["Do you know a funny story?"],
     ["Why did the cat sit on the computer? To keep an eye on the mouse!",
      "I told my plant a joke. It did not laugh, but it grew."],
     ["Pourquoi le chat est sur l'ordinateur ? Pour surveiller la souris !",
      "J'ai raconté une blague à ma plante. Elle a grandi."],
     ["😂🐱🖱️", "🤣🌱"]),
    (["What do you do for fun?", "What is your favourite hobby?"], ["What do you like to do on weekends?"],
     ["I like to read and to chat with people.", "I enjoy long walks and good books."],
     ["J'aime lire et parler avec les gens.", "J'aime les longues promenades et les bons livres."],
     ["📚😊", "🚶📖"]),
    (["I feel sad today.", "I am tired."], ["I had a bad day."],
     ["I am sorry. Take a break and drink some tea.", "Rest a little. Tomorrow is a new day."],
     ["Je suis désolé. Faites une pause et buvez un thé.", "Reposez-vous un peu. Demain est un autre jour."],
     ["🫂☕", "😴🌅"]),
]


def _cap(s):
    return s[:1].upper() + s[1:]


def _fill(template, ent):
    x, f, e = ent
    return template.format(x=x, X=_cap(x), f=f, F=_cap(f), e=e)


def sample_qa(rng, heldout=False):
    """One question and its answers: (question, english, french, emoji)."""
    if rng.random() < 0.2:
        train_q, held_q, en, fr, em = SMALLTALK[rng.integers(len(SMALLTALK))]
        qs = held_q if heldout else train_q
        i = rng.integers(len(en))
        return qs[rng.integers(len(qs))], en[i], fr[i], em[i]
    names = list(CATEGORIES)
    cat = names[rng.integers(len(names))]
    ents, train_t, held_t, en, fr, em = CATEGORIES[cat]
    if heldout and cat == "travel" and rng.random() < 0.4:
        ents = HELDOUT_CITIES
    ent = ents[rng.integers(len(ents))]
    ts = held_t if heldout else train_t
    q = _fill(ts[rng.integers(len(ts))], ent)
    i = rng.integers(len(en))
    return q, _fill(en[i], ent), _fill(fr[i], ent), _fill(em[i], ent)


def all_training_text():
    """Every question and answer surface the training set can produce (for the tokenizer)."""
    out = []
    for ents, train_t, held_t, en, fr, em in CATEGORIES.values():
        for ent in ents:
            for t in train_t + en + fr + em:
                out.append(_fill(t, ent))
    for train_q, held_q, en, fr, em in SMALLTALK:
        out += train_q + en + fr + em
    return out
