#!/usr/bin/env python3
"""Prints a GGUF file's tokenizer.chat_template (its Jinja source), for fixtures.

    python3 tools/templates/extract-gguf-template.py MODEL.gguf > NAME.jinja
"""
import sys

import gguf

reader = gguf.GGUFReader(sys.argv[1])
field = reader.fields["tokenizer.chat_template"]
sys.stdout.write(bytes(field.parts[field.data[0]]).decode("utf-8"))
