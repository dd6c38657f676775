"""The programme's indicators (« faisceau d'indicateurs »): hours exchanged, companies, needs,
proposals, shared-CDO days, trainings and the spread of balances."""
