"""What a set turns into for a person: text, pictures, pages, history.

The analysis serialiser, the text report, the timeline, overlay annotators
(they only draw), the annotated video, per-rep stills, the HTML set report,
the history store and its views, and the per-set output plan.

May import: ``hingecheck.core`` and ``hingecheck.io``.
"""
