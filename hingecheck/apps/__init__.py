"""The programs a person runs: the command line and the live camera loop.

May import anything in hingecheck; nothing imports it except ``__main__``.
"""
