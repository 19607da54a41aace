"""Counting each victim once across member agencies, without sharing who they are.

Each member agency keeps its own case records; a victim served by a shelter, legal aid
and the police is three records. This subpackage links them without pooling names or
dates of birth (privacy-preserving record linkage; threat model in ``docs/linkage.md``):

1. **At each agency** (``tfanalysis link encode``): :mod:`~tfanalysis.data.linkage.normalize`
   folds the identifiers, :mod:`~tfanalysis.data.linkage.tokens` and
   :mod:`~tfanalysis.data.linkage.bloom` encode them with a secret the agencies share
   (:mod:`~tfanalysis.data.linkage.keys`), :mod:`~tfanalysis.data.linkage.encode` writes a file
   that holds no identifier.
2. **At the coordinator** (``tfanalysis link match``): :mod:`~tfanalysis.data.linkage.match`
   finds candidate pairs (:mod:`~tfanalysis.data.linkage.blocking`), compares them field by field
   (:mod:`~tfanalysis.data.linkage.comparison`, from the field-level encodings of
   :mod:`~tfanalysis.data.linkage.fields`), scores them with Fellegi–Sunter weights fitted by EM
   (:mod:`~tfanalysis.data.linkage.weights`), keeps one-to-one links and groups them into
   people (:mod:`~tfanalysis.data.linkage.clustering`), and writes the crosswalk and the
   linkage-quality report (:mod:`~tfanalysis.data.linkage.crosswalk`).
3. **In the analyses**: :func:`tfanalysis.load_dataset` reads the agencies' records with
   the crosswalk and unduplicates them (:mod:`~tfanalysis.data.linkage.dataset`).

:mod:`~tfanalysis.data.linkage.synthetic` makes populations with known truth and
:mod:`~tfanalysis.data.linkage.evaluation` measures precision and recall on them.
"""
