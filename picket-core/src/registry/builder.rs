//! [`RegistryBuilder`]: collects projects, redirect URIs and keys, then builds a
//! [`Registry`].

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use crate::digest::KeyDigest;
use crate::header::HeaderOptions;
use crate::key::KeyKind;
use crate::redirect::{Mode, RedirectOptions, Whitelist};
use crate::registry::errors::BuildError;
use crate::registry::index::{Entry, Index, NEVER};
use crate::registry::{ProjectId, Registry};

/// Collects projects, redirect URIs and keys, then builds a [`Registry`].
///
/// Add each project before its keys and redirect URIs.
///
/// # Examples
/// ```
/// use picket_core::*;
/// let pk = ApiKey::parse(b"pk_d9960d04426c1e9f3941bec7e39c8854")?;
/// let mut b = RegistryBuilder::new();
/// b.add_project(7, Mode::Development, RedirectOptions::default())?;
/// b.add_redirect_uri(7, b"http://localhost:3000/")?;
/// b.add_key(pk.digest(), 7, KeyKind::Publishable, None)?;
/// let registry = b.build()?;
/// assert_eq!(registry.authorize_redirect(pk.as_bytes(), b"http://localhost:3000/", 0), Ok(7));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Default)]
pub struct RegistryBuilder {
    header_options: HeaderOptions,
    projects: HashMap<ProjectId, Whitelist>,
    keys: Vec<Entry>,
}

impl RegistryBuilder {
    /// An empty builder with default options (Basic only).
    ///
    /// ```
    /// let reg = picket_core::RegistryBuilder::new().build().unwrap();
    /// assert_eq!(reg.key_count(), 0);
    /// ```
    pub fn new() -> RegistryBuilder {
        RegistryBuilder::default()
    }

    /// Sets the header options [`Registry::authenticate`] uses (e.g. `accept_bearer`).
    ///
    /// ```
    /// let mut b = picket_core::RegistryBuilder::new();
    /// b.header_options(picket_core::HeaderOptions { accept_bearer: true });
    /// ```
    pub fn header_options(&mut self, options: HeaderOptions) -> &mut RegistryBuilder {
        self.header_options = options;
        self
    }

    /// Reserves room for `additional` more keys.
    ///
    /// ```
    /// picket_core::RegistryBuilder::new().reserve_keys(1000);
    /// ```
    pub fn reserve_keys(&mut self, additional: usize) -> &mut RegistryBuilder {
        self.keys.reserve(additional);
        self
    }

    /// Adds a project with its mode and redirect options.
    ///
    /// # Errors
    /// [`BuildError::DuplicateProject`] if `project` was already added.
    ///
    /// ```
    /// use picket_core::*;
    /// let mut b = RegistryBuilder::new();
    /// b.add_project(1, Mode::Production, RedirectOptions::default())?;
    /// assert!(b.add_project(1, Mode::Production, RedirectOptions::default()).is_err());
    /// # Ok::<(), BuildError>(())
    /// ```
    pub fn add_project(
        &mut self,
        project: ProjectId,
        mode: Mode,
        options: RedirectOptions,
    ) -> Result<(), BuildError> {
        if self.projects.contains_key(&project) {
            return Err(BuildError::DuplicateProject { project });
        }
        self.projects.insert(project, Whitelist::new(mode, options));
        Ok(())
    }

    /// Registers a redirect URI for `project`, validated for the project's mode.
    ///
    /// # Errors
    /// [`BuildError::UnknownProject`], or [`BuildError::Redirect`] with the rule broken.
    ///
    /// ```
    /// use picket_core::*;
    /// let mut b = RegistryBuilder::new();
    /// b.add_project(1, Mode::Production, RedirectOptions::default())?;
    /// let err = b.add_redirect_uri(1, b"http://localhost:3000").unwrap_err();
    /// assert_eq!(err, BuildError::Redirect { project: 1, error: RedirectError::InsecureScheme });
    /// # Ok::<(), BuildError>(())
    /// ```
    pub fn add_redirect_uri(&mut self, project: ProjectId, uri: &[u8]) -> Result<(), BuildError> {
        let list = self
            .projects
            .get_mut(&project)
            .ok_or(BuildError::UnknownProject { project })?;
        list.register(uri)
            .map_err(|error| BuildError::Redirect { project, error })
    }

    /// Adds a key by its digest. `expires_at` (unix seconds) ends its validity: the key is
    /// valid while `now < expires_at`. `None` (or `Some(u64::MAX)`) means it never expires. Several keys per project and kind are allowed, so a
    /// key can be rolled with an overlap.
    ///
    /// # Errors
    /// [`BuildError::UnknownProject`] or [`BuildError::TooManyKeys`]. Duplicates are found by
    /// [`RegistryBuilder::build`].
    ///
    /// ```
    /// use picket_core::*;
    /// let mut b = RegistryBuilder::new();
    /// b.add_project(1, Mode::Production, RedirectOptions::default())?;
    /// b.add_key(KeyDigest::from_bytes([1; 32]), 1, KeyKind::Secret, Some(1_900_000_000))?;
    /// # Ok::<(), BuildError>(())
    /// ```
    pub fn add_key(
        &mut self,
        digest: KeyDigest,
        project: ProjectId,
        kind: KeyKind,
        expires_at: Option<u64>,
    ) -> Result<(), BuildError> {
        // A database loads keys grouped by project: skip the map when it is the last one.
        let known = self.keys.last().is_some_and(|last| last.project == project)
            || self.projects.contains_key(&project);
        if !known {
            return Err(BuildError::UnknownProject { project });
        }
        if self.keys.len() >= u32::MAX as usize - 1 {
            return Err(BuildError::TooManyKeys);
        }
        self.keys.push(Entry {
            digest,
            project,
            expires_at: expires_at.unwrap_or(NEVER),
            kind,
        });
        Ok(())
    }

    /// Builds the immutable registry: places every key in the constant-time index.
    ///
    /// # Errors
    /// [`BuildError::DuplicateKey`] if a digest was added twice.
    ///
    /// ```
    /// use picket_core::*;
    /// let mut b = RegistryBuilder::new();
    /// b.add_project(1, Mode::Production, RedirectOptions::default())?;
    /// b.add_key(KeyDigest::from_bytes([1; 32]), 1, KeyKind::Secret, None)?;
    /// b.add_key(KeyDigest::from_bytes([1; 32]), 1, KeyKind::Secret, None)?;
    /// assert_eq!(b.build().unwrap_err(), BuildError::DuplicateKey { first: 1, second: 1 });
    /// # Ok::<(), BuildError>(())
    /// ```
    pub fn build(self) -> Result<Registry, BuildError> {
        Ok(Registry {
            header_options: self.header_options,
            index: Index::build(&self.keys)?,
            projects: self
                .projects
                .into_iter()
                .map(|(id, list)| (id, Arc::new(list)))
                .collect(),
        })
    }

    /// The projects and keys added, for [`Registry::with_projects`].
    pub(super) fn into_parts(self) -> (HashMap<ProjectId, Whitelist>, Vec<Entry>) {
        (self.projects, self.keys)
    }
}

impl fmt::Debug for RegistryBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RegistryBuilder")
            .field("keys", &self.keys.len())
            .field("projects", &self.projects.len())
            .finish_non_exhaustive()
    }
}
