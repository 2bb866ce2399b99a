"""What a set turns into for a person: text, pictures, pages, history.

``serialize`` (the JSON forms of an analysis), ``records`` (a batch clip's typed
record, a leaf), ``report`` (the text table),
``timeline`` (what the overlay shows per frame), ``state`` (OverlayState,
BannerLevel), ``draw`` (primitives), ``skeleton``, ``hud``, ``annotate`` (the
annotators behind one ``annotate(frame, state)`` interface; they only draw),
``render`` (the annotated video), ``stills``, ``plots``, ``htmlreport``,
``history`` (sqlite) and ``historyview``, ``setoutputs`` (the per-set plan, from plain values),
``angles`` (the one angle convention a lifter is shown: ``format_angle``) and
``wording`` (reasons, evidence, severity and states in plain words).

May import: ``hingecheck.core`` and ``hingecheck.io``.
"""
