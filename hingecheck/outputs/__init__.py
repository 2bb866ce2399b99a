"""What a set turns into for a person: text, pictures, pages, history.

``serialize`` (the JSON forms of an analysis), ``report`` (the text table),
``timeline`` (what the overlay shows per frame), ``state`` (OverlayState,
BannerLevel), ``draw`` (primitives), ``skeleton``, ``hud``, ``annotate`` (the
annotators behind one ``annotate(frame, state)`` interface; they only draw),
``render`` (the annotated video), ``stills``, ``plots``, ``htmlreport``,
``history`` (sqlite) and ``historyview``, ``setoutputs`` (the per-set plan).

May import: ``hingecheck.core`` and ``hingecheck.io``.
"""
