"""Qualifying trainings: logged by employees, approved by employers, rated publicly."""
