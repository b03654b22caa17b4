"""The client's page: details, the plan builder and the plan's history."""
