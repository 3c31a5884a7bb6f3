"""Tools that fine-tune the Arabic OCR model (run by hand; nothing here runs in the pipeline)."""
