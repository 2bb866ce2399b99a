"""The programs a person runs: the command line and the live camera loop.

``cli`` (argument parsing, printing, exit statuses), ``live`` (the camera
loop, window and keys), ``coach`` (what the live loop says and shows per
frame), ``voice`` (spoken cues), ``tune_cmd`` (``hingecheck tune``).

May import anything in hingecheck; nothing imports it except ``__main__``.
"""
