"""Forms: parse and validate what people post; services decide what happens with it."""
