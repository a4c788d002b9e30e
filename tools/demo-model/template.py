"""Llama 2-Chat token streams exactly as ghostchat's TemplateRenderer builds them.

[BOS] sp("[INST] <<SYS>>\\n{system}\\n<</SYS>>\\n\\n{user1} [/INST]") sp(reply1) [EOS]
[BOS] sp("[INST] {user2} [/INST]") sp(reply2) [EOS] ...
With an empty system turn 1 is [BOS] sp("[INST] {user1} [/INST]"). The first user message
is tokenized as a continuation of the system block when that leaves the block's tokens
untouched (ghostchat caches the system turn), else on its own; both are mirrored here.
"""

BOS, EOS = 1, 2


def _sp(sp, text):
    return sp.encode(text)


def _continue(sp, anchor, text):
    head, whole = _sp(sp, anchor), _sp(sp, anchor + text)
    if len(whole) >= len(head) and whole[:len(head)] == head:
        return head, whole[len(head):]
    return head, _sp(sp, text)


def prompt_ids(sp, system, turns, user):
    """The tokens the model sees before replying to `user` after finished `turns`."""
    ids, _ = render(sp, system, turns + [[user, None]])
    return ids


def render(sp, system, turns):
    """(ids, mask): mask is 1 on reply tokens and their EOS (what the loss covers). A turn
    whose reply is None ends the stream at its "[/INST]"."""
    ids, mask = [BOS], [0]
    for i, (user, reply) in enumerate(turns):
        if i == 0 and system:
            head, rest = _continue(sp, f"[INST] <<SYS>>\n{system}\n<</SYS>>\n\n", f"{user} [/INST]")
            u = head + rest
        else:
            u = ([BOS] if i > 0 else []) + _sp(sp, f"[INST] {user} [/INST]")
        ids += u
        mask += [0] * len(u)
        if reply is None:
            break
        r = _sp(sp, reply) + [EOS]
        ids += r
        mask += [1] * len(r)
    return ids, mask
