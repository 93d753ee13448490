//! Paginators: the pages of a paginated operation as a [`Stream`], and their items.
//!
//! [`Pages`] sends the input as given, then again with the input token set to each page's
//! output token. It stops after a page without a token (absent or empty), after a page
//! whose token was already sent (a service repeating itself would otherwise loop
//! forever), and after an error, which it yields as the last element. [`Items`] flattens
//! the pages into the items of the operation's `items` member.
//!
//! Both implement [`futures_core::Stream`], for `StreamExt` and friends, and have an
//! inherent `async fn next`, so a plain `while let Some(page) = pages.next().await` needs
//! no other crate.

use super::client::{ClientOperation, Error};
use super::operation::Operation;
use futures_core::Stream;
use std::collections::hash_map::RandomState;
use std::collections::HashSet;
use std::fmt;
use std::future::Future;
use std::hash::BuildHasher;
use std::pin::Pin;
use std::task::{Context, Poll};

/// An operation with the `smithy.api#paginated` trait.
pub trait Paginated: ClientOperation {
    /// The input token the input already carries (to resume a listing).
    fn input_token(input: &Self::Input) -> Option<&str>;
    /// Sets the input token.
    fn set_input_token(input: &mut Self::Input, token: Option<String>);
    /// The output token: where the next page starts, if there is one.
    fn output_token(output: &Self::Output) -> Option<&str>;
}

/// A paginated operation whose trait names the `items` member.
pub trait PaginatedItems: Paginated {
    /// The item type.
    type Item;
    /// Takes the items out of a page (none when the member is absent).
    fn items(output: Self::Output) -> Vec<Self::Item>;
}

/// The result of one page request.
pub type PageResult<P> = Result<<P as Operation>::Output, Error<<P as Operation>::Error>>;

/// One item, or the error that ended the listing.
pub type ItemResult<P> = Result<<P as PaginatedItems>::Item, Error<<P as Operation>::Error>>;

/// A page request in flight.
pub type PageFuture<P> = Pin<Box<dyn Future<Output = PageResult<P>> + Send>>;

/// Sends one page request.
pub type Fetch<P> = Box<dyn FnMut(<P as Operation>::Input) -> PageFuture<P> + Send>;

enum State<P: Paginated> {
    /// The first request is still to be sent.
    Start,
    /// The next request is to be sent with this token.
    Next(String),
    /// Waiting for a page.
    Waiting(PageFuture<P>),
    /// No more pages.
    Done,
}

/// The pages of a paginated operation: a [`Stream`] of `Result<Output, Error>`.
pub struct Pages<P: Paginated> {
    fetch: Fetch<P>,
    input: P::Input,
    /// A keyed hash of every token sent so far: enough to notice a repeated token, at eight
    /// bytes a page whatever the tokens' size, with O(1) look-ups. The key is random per
    /// process, so a server cannot choose tokens that collide.
    sent: HashSet<u64>,
    hasher: RandomState,
    /// How many requests were sent.
    requested: usize,
    state: State<P>,
}

// No field is ever pinned: the future in flight is boxed.
impl<P: Paginated> Unpin for Pages<P> {}

impl<P: Paginated> fmt::Debug for Pages<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match &self.state {
            State::Start => "start",
            State::Next(_) => "next",
            State::Waiting(_) => "waiting",
            State::Done => "done",
        };
        f.debug_struct("Pages")
            .field("operation", &P::NAME)
            .field("pages_requested", &self.requested)
            .field("state", &state)
            .finish_non_exhaustive()
    }
}

impl<P> Pages<P>
where
    P: Paginated,
    P::Input: Clone,
{
    /// Pages starting with `input`, each requested through `fetch`.
    pub fn new(input: P::Input, fetch: Fetch<P>) -> Self {
        let hasher = RandomState::new();
        let sent = P::input_token(&input)
            .filter(|t| !t.is_empty())
            .map(|t| hasher.hash_one(t))
            .into_iter()
            .collect();
        Self {
            fetch,
            input,
            sent,
            hasher,
            requested: 0,
            state: State::Start,
        }
    }

    /// Bytes kept to recognise tokens already sent: eight a page.
    pub fn remembered_token_bytes(&self) -> usize {
        self.sent.len() * std::mem::size_of::<u64>()
    }

    /// The next page, or `None` after the last one (or after an error).
    pub async fn next(&mut self) -> Option<PageResult<P>> {
        std::future::poll_fn(|cx| self.poll_page(cx)).await
    }

    /// All remaining pages, or the first error.
    pub async fn try_collect(mut self) -> Result<Vec<P::Output>, Error<P::Error>> {
        let mut pages = Vec::new();
        while let Some(page) = self.next().await {
            pages.push(page?);
        }
        Ok(pages)
    }

    /// The items of all remaining pages.
    pub fn items(self) -> Items<P>
    where
        P: PaginatedItems,
    {
        Items {
            pages: self,
            buffer: Vec::new().into_iter(),
        }
    }

    fn poll_page(&mut self, cx: &mut Context<'_>) -> Poll<Option<PageResult<P>>> {
        loop {
            match &mut self.state {
                State::Done => return Poll::Ready(None),
                State::Start => {
                    let input = self.input.clone();
                    self.requested += 1;
                    self.state = State::Waiting((self.fetch)(input));
                }
                State::Next(token) => {
                    let mut input = self.input.clone();
                    P::set_input_token(&mut input, Some(std::mem::take(token)));
                    self.requested += 1;
                    self.state = State::Waiting((self.fetch)(input));
                }
                State::Waiting(page) => {
                    let result = match page.as_mut().poll(cx) {
                        Poll::Pending => return Poll::Pending,
                        Poll::Ready(result) => result,
                    };
                    self.state = match &result {
                        Err(_) => State::Done,
                        Ok(output) => match P::output_token(output).filter(|t| !t.is_empty()) {
                            None => State::Done,
                            Some(token) if !self.sent.insert(self.hasher.hash_one(token)) => {
                                State::Done
                            }
                            Some(token) => State::Next(token.to_owned()),
                        },
                    };
                    return Poll::Ready(Some(result));
                }
            }
        }
    }
}

impl<P> Stream for Pages<P>
where
    P: Paginated,
    P::Input: Clone,
{
    type Item = PageResult<P>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_page(cx)
    }
}

/// The items of all pages: a [`Stream`] of `Result<Item, Error>`.
pub struct Items<P: PaginatedItems> {
    pages: Pages<P>,
    buffer: std::vec::IntoIter<P::Item>,
}

impl<P: PaginatedItems> Unpin for Items<P> {}

impl<P: PaginatedItems> fmt::Debug for Items<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Items")
            .field("pages", &self.pages)
            .field("buffered", &self.buffer.len())
            .finish()
    }
}

impl<P> Items<P>
where
    P: PaginatedItems,
    P::Input: Clone,
{
    /// The next item, or `None` after the last one (or after an error).
    pub async fn next(&mut self) -> Option<ItemResult<P>> {
        std::future::poll_fn(|cx| self.poll_item(cx)).await
    }

    /// All remaining items, or the first error.
    pub async fn try_collect(mut self) -> Result<Vec<P::Item>, Error<P::Error>> {
        let mut items = Vec::new();
        while let Some(item) = self.next().await {
            items.push(item?);
        }
        Ok(items)
    }

    fn poll_item(&mut self, cx: &mut Context<'_>) -> Poll<Option<ItemResult<P>>> {
        loop {
            if let Some(item) = self.buffer.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            match self.pages.poll_page(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                Poll::Ready(Some(Ok(page))) => self.buffer = P::items(page).into_iter(),
            }
        }
    }
}

impl<P> Stream for Items<P>
where
    P: PaginatedItems,
    P::Input: Clone,
{
    type Item = ItemResult<P>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_item(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::super::error::{ErrorEnum, ErrorVariant};
    use super::super::error::{ErrorMeta, ResponseError};
    use super::super::retry::RetrySafety;
    use super::*;
    use std::collections::BTreeMap;
    use std::sync::{Arc, Mutex};

    /// A listing whose pages are scripted: token sent → (items, next token), or an error.
    struct List;

    #[derive(Debug, Clone, Default)]
    struct Input {
        token: Option<String>,
    }

    #[derive(Debug, Clone, PartialEq)]
    struct Page {
        items: Option<Vec<u32>>,
        next: Option<String>,
    }

    #[derive(Debug, Clone, PartialEq)]
    struct Failed(ErrorMeta);

    /// An error response with this code.
    fn failed(code: &str) -> Failed {
        Failed(ErrorMeta {
            code: code.to_owned(),
            ..ErrorMeta::default()
        })
    }

    impl ErrorEnum for Failed {
        fn unhandled(meta: ErrorMeta) -> Self {
            Failed(meta)
        }
        fn unparseable(error: ResponseError) -> Self {
            failed(&error.to_string())
        }
        fn variant(&self) -> ErrorVariant<'_> {
            ErrorVariant::Unhandled(&self.0)
        }
        fn into_unparseable(self) -> Result<ResponseError, Self> {
            Err(self)
        }
    }

    impl Operation for List {
        const NAME: &'static str = "List";
        type Input = Input;
        type Output = Page;
        type Error = Failed;
        fn build_request(_: &Input) -> http::Request<Vec<u8>> {
            http::Request::new(Vec::new())
        }
        fn build_request_with(
            _: &Input,
            _: &super::super::operation::RequestOptions,
        ) -> Result<http::Request<Vec<u8>>, super::super::endpoint::EndpointError> {
            Ok(http::Request::new(Vec::new()))
        }
        fn parse_response(_: u16, _: &[u8]) -> Result<Page, Failed> {
            Err(failed("not used"))
        }
    }

    impl ClientOperation for List {
        const RETRY_SAFETY: RetrySafety = RetrySafety::ReadOnly;
    }

    impl Paginated for List {
        fn input_token(input: &Input) -> Option<&str> {
            input.token.as_deref()
        }
        fn set_input_token(input: &mut Input, token: Option<String>) {
            input.token = token;
        }
        fn output_token(output: &Page) -> Option<&str> {
            output.next.as_deref()
        }
    }

    impl PaginatedItems for List {
        type Item = u32;
        fn items(output: Page) -> Vec<u32> {
            output.items.unwrap_or_default()
        }
    }

    type Script =
        BTreeMap<Option<&'static str>, Result<(Vec<u32>, Option<&'static str>), &'static str>>;
    type Log = Arc<Mutex<Vec<Option<String>>>>;

    /// Pages served from `script`; the tokens requested are logged. Every other
    /// response is delayed by one `Pending`, to exercise the waiting state.
    fn pages(script: Script, start: Option<&str>) -> (Pages<List>, Log) {
        let log = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&log);
        let mut calls = 0;
        let fetch: Fetch<List> = Box::new(move |input: Input| {
            calls += 1;
            seen.lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(input.token.clone());
            let answer = match script.get(&input.token.as_deref()) {
                Some(Ok((items, next))) => Ok(Page {
                    items: Some(items.clone()),
                    next: next.map(str::to_owned),
                }),
                Some(Err(message)) => Err(Error::Service(failed(message))),
                None => Err(Error::Service(failed(&format!(
                    "no page for {:?}",
                    input.token
                )))),
            };
            let mut pending = calls % 2 == 0;
            let mut answer = Some(answer);
            Box::pin(std::future::poll_fn(move |cx| {
                if std::mem::take(&mut pending) {
                    cx.waker().wake_by_ref();
                    return Poll::Pending;
                }
                answer.take().map_or(Poll::Pending, Poll::Ready)
            }))
        });
        let input = Input {
            token: start.map(str::to_owned),
        };
        (Pages::new(input, fetch), log)
    }

    /// Runs a future on this thread (the scripted futures need no reactor).
    fn block_on<F: Future>(future: F) -> F::Output {
        let mut future = std::pin::pin!(future);
        let mut cx = Context::from_waker(std::task::Waker::noop());
        loop {
            if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
                return out;
            }
        }
    }

    fn tokens(log: &Log) -> Vec<Option<String>> {
        log.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn some(s: &str) -> Option<String> {
        Some(s.to_owned())
    }

    #[test]
    fn large_tokens_are_not_kept() {
        // 300 pages, each with a new 100 KB token: what the paginator keeps to detect a
        // repeat stays at eight bytes a page.
        const PAGES: usize = 300;
        let fetch: Fetch<List> = Box::new(|input: Input| {
            // Page n carries a token of 100 KB that encodes n + 1 in its first bytes.
            let n: usize = input
                .token
                .as_deref()
                .and_then(|t| t.split('.').next())
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
            let next = (n < PAGES).then(|| format!("{}.{}", n + 1, "t".repeat(100_000)));
            Box::pin(std::future::ready(Ok(Page {
                items: Some(vec![]),
                next,
            })))
        });
        let mut pages: Pages<List> = Pages::new(Input { token: None }, fetch);
        let mut count = 0;
        while let Some(page) = block_on(pages.next()) {
            page.unwrap_or_else(|e| panic!("{e:?}"));
            count += 1;
        }
        assert_eq!(count, PAGES + 1);
        assert_eq!(pages.remembered_token_bytes(), PAGES * 8);
    }

    #[test]
    fn stops_when_the_token_is_absent() {
        let script = Script::from([
            (None, Ok((vec![1, 2], Some("a")))),
            (Some("a"), Ok((vec![3], Some("b")))),
            (Some("b"), Ok((vec![4], None))),
        ]);
        let (p, log) = pages(script, None);
        let all = block_on(p.try_collect()).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(all.len(), 3);
        assert_eq!(tokens(&log), vec![None, some("a"), some("b")]);
    }

    #[test]
    fn an_empty_token_ends_the_listing() {
        let script = Script::from([(None, Ok((vec![1], Some(""))))]);
        let (p, log) = pages(script, None);
        assert_eq!(block_on(p.try_collect()).map(|v| v.len()).ok(), Some(1));
        assert_eq!(tokens(&log).len(), 1);
    }

    #[test]
    fn stops_when_a_token_repeats() {
        // The service answers page `a` with token `a` again.
        let script = Script::from([
            (None, Ok((vec![1], Some("a")))),
            (Some("a"), Ok((vec![2], Some("a")))),
        ]);
        let (p, log) = pages(script, None);
        let all = block_on(p.try_collect()).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(
            all.len(),
            2,
            "the page with the repeated token is still returned"
        );
        assert_eq!(tokens(&log), vec![None, some("a")]);

        // A longer cycle: a → b → a.
        let script = Script::from([
            (None, Ok((vec![1], Some("a")))),
            (Some("a"), Ok((vec![2], Some("b")))),
            (Some("b"), Ok((vec![3], Some("a")))),
        ]);
        let (p, log) = pages(script, None);
        assert_eq!(block_on(p.try_collect()).map(|v| v.len()).ok(), Some(3));
        assert_eq!(tokens(&log), vec![None, some("a"), some("b")]);
    }

    #[test]
    fn resumes_from_the_input_token() {
        let script = Script::from([
            (Some("s"), Ok((vec![7], Some("t")))),
            (Some("t"), Ok((vec![8], Some("s")))),
        ]);
        let (p, log) = pages(script, Some("s"));
        let items = block_on(p.items().try_collect()).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(items, vec![7, 8]);
        // `s` was sent first, so the second page's `s` ends the listing.
        assert_eq!(tokens(&log), vec![some("s"), some("t")]);
    }

    #[test]
    fn an_error_is_the_last_element() {
        let script = Script::from([
            (None, Ok((vec![1], Some("a")))),
            (Some("a"), Err("throttled")),
            (Some("b"), Ok((vec![9], None))),
        ]);
        let (mut p, log) = pages(script, None);
        assert!(matches!(block_on(p.next()), Some(Ok(_))));
        match block_on(p.next()) {
            Some(Err(Error::Service(Failed(m)))) => assert_eq!(m.code, "throttled"),
            other => panic!("{other:?}"),
        }
        assert!(block_on(p.next()).is_none());
        assert!(block_on(p.next()).is_none());
        assert_eq!(tokens(&log).len(), 2);
    }

    #[test]
    fn items_flatten_pages_and_skip_empty_ones() {
        let script = Script::from([
            (None, Ok((vec![], Some("a")))),
            (Some("a"), Ok((vec![1, 2], Some("b")))),
            (Some("b"), Ok((vec![], Some("c")))),
            (Some("c"), Ok((vec![3], None))),
        ]);
        let (p, _) = pages(script, None);
        let mut items = p.items();
        let mut got = Vec::new();
        while let Some(item) = block_on(items.next()) {
            got.push(item.unwrap_or_else(|e| panic!("{e:?}")));
        }
        assert_eq!(got, vec![1, 2, 3]);

        let script = Script::from([(None, Ok((vec![5], Some("a")))), (Some("a"), Err("boom"))]);
        let (p, _) = pages(script, None);
        match block_on(p.items().try_collect()) {
            Err(Error::Service(Failed(m))) => assert_eq!(m.code, "boom"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn pages_are_a_stream() {
        fn assert_stream<S: Stream + Send + Unpin>(_: &S) {}
        let (p, _) = pages(Script::new(), None);
        assert_stream(&p);
        assert_stream(&p.items());
    }
}
