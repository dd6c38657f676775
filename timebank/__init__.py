"""Bourse de temps numérique: the domain and use cases of the PME time bank.

`timebank` sits between the web layer and the pure cores (`ledger`, `matching`, `contracts`).
It never imports `litestar` or `web`.
"""
