"""The EU Transparency Database (DSA Art. 24(5)): its vocabulary and rules (schema, validator),
how a decision becomes a statement of reasons (build) and how statements reach it (client).
"""
