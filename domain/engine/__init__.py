"""The engine every workflow runs on: human steps, committees, acting-for, chains, the chase
ladder, deadlines, calendar, audit chain, outbox, people lookups and who may view a case."""
