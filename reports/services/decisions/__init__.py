"""Decisions, one module per verb: `decide`, `four_eyes` (propose, confirm, reject a ban) and
`undo`, over what they share in `core`. What a decision does to the member and the content is
`services.enforcement`; the words it sends are `texts.statements`.
"""
