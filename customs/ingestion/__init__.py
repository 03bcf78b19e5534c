"""Customs ingestion: CEB message files → the message store and the trade ledger.

Reading (no database; runs in the parse workers):

* ``records`` — the plain records a file is read into, and ``MessageError``;
* ``checks`` — the file's declared encoding and, on the channel, its signature;
* ``parsing`` — ``read_message(bytes)``, the one entry point for reading;
* ``fastread`` — its fast path for inventories and receipts (``ceb.textscan``,
  ``ceb.leafread``);
* ``building`` — ``build_inventories`` / ``build_receipts`` from specs (demo, tests, benchmark).

Writing (the ingesting process; ``customs.prepare`` turns records into rows in between):

* ``engine`` — ``Ingestor``: the batch, the parse workers, progress, chunks and folds;
* ``trust`` — ``refusal``: what an upload may store;
* ``declarations`` / ``receipts`` — the writes of one chunk;
* ``chunk`` — what those share; ``config`` — what a run reads once from settings.

Nothing is imported here, so a parse worker importing ``parsing`` loads no Django model.
"""
