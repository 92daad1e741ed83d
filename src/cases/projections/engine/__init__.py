"""The projection engine (infrastructure): the read-model store and its generations, the runner that applies a
batch exactly once under a lease, following the log, rebuilding beside the live tables then switching, verifying
against a scratch rebuild, and recording a read model's failure. It knows read models only through the `Projection`
protocol (`base`); which read models the product runs is `cases.projections.registry`'s to say."""
