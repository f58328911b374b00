"""Posterior sampling for latent Gaussian models ``x = G(z) + xi`` ([PR]: Pareek and Risteski,
"The Effects of Invertibility on the Representational Complexity of Encoders in Variational
Autoencoders", Theorem 1): the
potential of eq. 3 (:mod:`.loss`), the Langevin steps of eqs. 2 and 11 (:mod:`.samplers`),
the gradient-descent phase of Lemma 1 (:mod:`.gd`), the constants of eqs. 18-20 and
Lemma 3 (:mod:`.constants`) and the encoder that ties them together (:mod:`.encoder`).
Spec: ``specs/recovery-circuits-posterior.md`` Part B.2.
"""
