"""Other departments (civil affairs, market regulation, health, tax, banks) exchanging data with the agency
under agreements: the partner API's access (OAuth2 client credentials, scopes and fields of the
agreement), the feeds they send (deaths, hospital records of injuries), and the yearly check of
pensioners by data."""
