mod suggest_subjects;

pub use suggest_subjects::*;
