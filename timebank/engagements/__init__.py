"""Engagements (mises à disposition): one employee lent to one host company for one need.

The lifecycle, the loan paperwork the law requires before the loan starts, the timesheets the
employee logs and the host approves, and what each approval posts to the ledger.
"""
