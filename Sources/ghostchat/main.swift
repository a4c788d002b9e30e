print("ghostchat: not yet")
