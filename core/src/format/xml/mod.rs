//! XML: a writer matching botocore's ElementTree output and a zero-copy reader
//! on `xmlparser` for rest-xml, query and ec2 responses.

mod reader;
mod writer;

pub use reader::{MAX_XML_DEPTH, TAG_ATTRIBUTE, TAG_ELEMENT, TAG_FLAT, XmlReader};
pub use writer::XmlWriter;
