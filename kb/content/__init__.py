"""The content folder read into the model: discovery (`discover`), site.yaml (`config`), front
matter and topics (`parse`, `schema`, `yamlpos`, `yamlguard`, `textio`), Markdown (`markdown`,
`mdlimits`, `rawlinks`, `sanitize`), the articles step on the runner (`articles`), git dates
(`gitdates`), the assembled site and its cross-file rules (`site`, `slugs`, `outside`), and
`kb new` (`scaffold`)."""
