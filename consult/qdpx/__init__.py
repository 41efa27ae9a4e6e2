"""The analysis exchanged with NVivo, ATLAS.ti, MAXQDA and QualCoder through REFI-QDA project files
(.qdpx, QDA-XML 1.0): export of the sources, codebook, codings, memos and pseudonymous cases, and
import of another coder's codings on the sources this export wrote."""
