"""Companies (PME) of the network, identified by their SIREN."""

from timebank.companies.model import Company, CompanyDraft, HeadcountBand

__all__ = ["Company", "CompanyDraft", "HeadcountBand"]
