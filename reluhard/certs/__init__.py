"""Certificates: the solution/certificate JSON (:mod:`.certificate`), independent
verification of a solution against a network file (:mod:`.verify`), and DRUP proofs of
unsatisfiability checked by a verified checker (:mod:`.proofs`)."""
