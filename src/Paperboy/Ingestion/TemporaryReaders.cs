namespace Paperboy.Ingestion;
// TEMPORARY: placeholders so the skeleton compiles; replaced by the real readers before landing.
public sealed class HfDailyReader : IPaperReader { public string Format => "hf-daily"; public IEnumerable<ReadResult> Read(Stream s, string p) => throw new NotImplementedException(); }
public sealed class ArxivKaggleReader : IPaperReader { public string Format => "arxiv-kaggle"; public IEnumerable<ReadResult> Read(Stream s, string p) => throw new NotImplementedException(); }
public sealed class ArxivAtomReader : IPaperReader { public string Format => "arxiv-atom"; public IEnumerable<ReadResult> Read(Stream s, string p) => throw new NotImplementedException(); }
public sealed class ArxivOaiReader : IPaperReader { public string Format => "arxiv-oai"; public IEnumerable<ReadResult> Read(Stream s, string p) => throw new NotImplementedException(); }
