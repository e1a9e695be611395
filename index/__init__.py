"""The index: Arabic analysis, search engines, queries, ranking and snippets.

Data flows one way: articles from the archive are analyzed
(:mod:`index.analysis`) into three views per field (:mod:`index.views`) and
handed to an engine (:mod:`index.engines`).  A query is parsed and compiled
with the same analysis (:mod:`index.query`), weighted by
:mod:`index.ranking`, run by the engine, and each hit gets a snippet from the
archive's text (:mod:`index.highlight`).  :class:`index.api.Arshif` ties it
together for the CLI and the web app.
"""
