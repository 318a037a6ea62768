//! Diagnostics shared by every stage that reads struct source: the error collector [`Ctxt`].
//! The drift messages themselves are [`crate::compare`]'s, shared with the CLI.

use std::cell::RefCell;
use std::fmt::Display;
use std::thread;

use proc_macro2::Span;
use quote::ToTokens;

/// Collects spanned errors within one stage so that one build reports every mistake.
///
/// Parsing functions push errors here and carry on with what they could read; the stage
/// ends with [`Ctxt::finish`], which folds them into one `syn::Error`. Dropping a context
/// that still holds errors panics, so none can be forgotten.
#[derive(Debug)]
pub struct Ctxt {
    // `None` once finished, so that a forgotten `finish` is caught on drop.
    errors: RefCell<Option<Vec<syn::Error>>>,
}

impl Ctxt {
    /// An empty collector.
    pub fn new() -> Ctxt {
        Ctxt {
            errors: RefCell::new(Some(Vec::new())),
        }
    }

    /// Records `msg` at the tokens of `obj` (the whole range of tokens is underlined).
    pub fn error_at<A: ToTokens, T: Display>(&self, obj: A, msg: T) {
        self.push(syn::Error::new_spanned(obj.into_token_stream(), msg));
    }

    /// Records `msg` at `span`.
    pub fn error_span<T: Display>(&self, span: Span, msg: T) {
        self.push(syn::Error::new(span, msg));
    }

    /// Records an error syn produced (a malformed attribute, say).
    pub fn syn_error(&self, err: syn::Error) {
        self.push(err);
    }

    /// Whether any error has been recorded so far.
    pub fn has_errors(&self) -> bool {
        self.errors.borrow().as_ref().is_some_and(|e| !e.is_empty())
    }

    /// Ends the stage: `Err` with every recorded error combined, or `Ok` if there were none.
    pub fn finish(self) -> syn::Result<()> {
        let errors = self.errors.borrow_mut().take().unwrap_or_default();
        let mut errors = errors.into_iter();
        let Some(mut combined) = errors.next() else {
            return Ok(());
        };
        for rest in errors {
            combined.combine(rest);
        }
        Err(combined)
    }

    fn push(&self, err: syn::Error) {
        self.errors
            .borrow_mut()
            .as_mut()
            .expect("a finished Ctxt is consumed, so it cannot be used")
            .push(err);
    }
}

impl Default for Ctxt {
    fn default() -> Ctxt {
        Ctxt::new()
    }
}

impl Drop for Ctxt {
    fn drop(&mut self) {
        if !thread::panicking() && self.errors.borrow().is_some() {
            panic!("a diag::Ctxt was dropped without `finish()`: its errors would be lost");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finish_combines_every_error_in_order() {
        let cx = Ctxt::new();
        cx.error_span(Span::call_site(), "first");
        cx.error_at(quote::quote!(a b), "second");
        let err = cx.finish().unwrap_err();
        let messages: Vec<String> = err.into_iter().map(|e| e.to_string()).collect();
        assert_eq!(messages, ["first", "second"]);
    }

    #[test]
    fn finish_without_errors_is_ok() {
        let cx = Ctxt::new();
        assert!(!cx.has_errors());
        assert!(cx.finish().is_ok());
    }

    #[test]
    #[should_panic(expected = "without `finish()`")]
    fn dropping_unfinished_context_panics() {
        let cx = Ctxt::new();
        cx.error_span(Span::call_site(), "lost");
        drop(cx);
    }
}
