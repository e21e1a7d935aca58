"""Inference: OWL 2 RL entailments kept in their own graph of the store.

Owns: the inference API with owlrl as the reference (:mod:`.reasoner`), the ontology's own
fragment compiled into rules (:mod:`.rules`), the premises read from the store as numbered
terms (:mod:`.facts`) and the rules' evaluation on the Oxigraph store (:mod:`.compiled`).

Must not: mix inferred triples into the asserted data, load data, validate or report.
"""
