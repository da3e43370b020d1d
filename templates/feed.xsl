<?xml version="1.0" encoding="UTF-8"?>
{# How every feed of the site (RSS 2.0 or Atom) reads when opened in a browser: a page in the
   site's look with the feed's items and how to subscribe. Feed readers never ask for it.
   Written once per build as feed.xsl at the site's root; each feed names it with a relative
   address, from which "root" (the way back to the site's root, "./" at the root) is read, so the page's links
   work under any base path. The masthead and footer are the site's own (_chrome.html), their
   links written {$root}… (attribute value templates). Descriptions are shown as plain text,
   never as markup. #}
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:atom="http://www.w3.org/2005/Atom" exclude-result-prefixes="atom">
<xsl:output method="html" encoding="UTF-8" doctype-system="about:legacy-compat"/>
<xsl:variable name="up" select="substring-before(substring-after(/processing-instruction('xml-stylesheet'), 'href=&quot;'), 'feed.xsl')"/>
<xsl:variable name="root" select="concat($up, substring('./', 1, 2 * ($up = '')))"/>
<xsl:variable name="feed" select="/rss/channel | /atom:feed"/>
<xsl:variable name="address" select="$feed/atom:link[@rel='self']/@href"/>

<xsl:template match="/">
<html lang="en">
<head>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<meta http-equiv="Content-Security-Policy" content="{{ csp }}"/>
<meta name="referrer" content="strict-origin-when-cross-origin"/>
<meta name="color-scheme" content="light dark"/>
<meta name="robots" content="noindex"/>
<title><xsl:value-of select="$feed/title | $feed/atom:title"/> · {{ site_name }}</title>
<link rel="icon" href="{$root}static/favicon.svg" type="image/svg+xml"/>
<link rel="stylesheet" href="{$root}static/css/site.css"/>
</head>
<body>
{{ masthead }}
<main id="main" class="wrap">
<nav class="crumbs" aria-label="Breadcrumb"><a href="{$root}">Models</a> › <a href="{$root}feeds/">Feeds</a> › <xsl:value-of select="$feed/title | $feed/atom:title"/></nav>
<h1><xsl:value-of select="$feed/title | $feed/atom:title"/></h1>
<p class="lede"><xsl:value-of select="$feed/description | $feed/atom:subtitle"/></p>
<div class="notice feed-note" role="note">
  <p><strong>This is a feed<xsl:if test="/atom:feed"> (Atom)</xsl:if><xsl:if test="/rss"> (RSS)</xsl:if>.</strong> To be told of each new item, copy its address into a feed reader (an app, a browser extension or your mail program): it will check it for you.</p>
  <p class="feed-url"><code id="feed-address"><xsl:value-of select="$address"/></code><xsl:text> </xsl:text><button type="button" class="copy" data-copy="feed-address" hidden="">Copy address</button></p>
  <p><a href="{$root}feeds/">Every feed of the catalog</a> · <a href="{$feed/link | $feed/atom:link[@rel='alternate']/@href}">Its page on the site</a></p>
</div>
<h2 id="items">Latest items <span class="count"><xsl:value-of select="count($feed/item | $feed/atom:entry)"/></span></h2>
<xsl:choose>
  <xsl:when test="$feed/item | $feed/atom:entry">
    <ol class="feed-items">
      <xsl:apply-templates select="$feed/item | $feed/atom:entry"/>
    </ol>
  </xsl:when>
  <xsl:otherwise><p class="muted">Nothing yet: new items will appear here and in your feed reader.</p></xsl:otherwise>
</xsl:choose>
</main>
{{ footer }}
<script src="{$root}static/js/site.js" defer=""></script>
</body>
</html>
</xsl:template>

<xsl:template match="item | atom:entry">
  <li>
    <h3><a href="{link | atom:link[not(@rel) or @rel='alternate']/@href}"><xsl:value-of select="title | atom:title"/></a></h3>
    <p class="feed-meta">
      <xsl:choose>
        <xsl:when test="pubDate"><!-- Sat, 08 Aug 2026 00:00:00 +0000 -->
          <xsl:variable name="day" select="concat(substring(pubDate, 13, 4), '-', substring(substring-after('Jan01Feb02Mar03Apr04May05Jun06Jul07Aug08Sep09Oct10Nov11Dec12', substring(pubDate, 9, 3)), 1, 2), '-', substring(pubDate, 6, 2))"/>
          <time datetime="{$day}"><xsl:value-of select="$day"/></time>
        </xsl:when>
        <xsl:otherwise><time datetime="{substring(atom:published | atom:updated, 1, 10)}"><xsl:value-of select="substring(atom:published | atom:updated, 1, 10)"/></time></xsl:otherwise>
      </xsl:choose>
      <xsl:for-each select="category | atom:category/@term"> · <span class="tag"><xsl:value-of select="."/></span></xsl:for-each>
    </p>
    <xsl:variable name="markup" select="substring-before(concat(description | atom:content | atom:summary, '&lt;table'), '&lt;table')"/>
    <xsl:variable name="plain"><xsl:call-template name="text"><xsl:with-param name="html" select="substring($markup, 1, 1200)"/></xsl:call-template></xsl:variable>
    <xsl:variable name="summary" select="normalize-space($plain)"/>
    <xsl:if test="$summary">
      <p class="feed-summary"><xsl:value-of select="substring($summary, 1, 320)"/><xsl:if test="string-length($summary) &gt; 320">…</xsl:if></p>
    </xsl:if>
  </li>
</xsl:template>

<!-- HTML as the words it shows: each tag a space, the usual character references decoded. -->
<xsl:template name="text">
  <xsl:param name="html"/>
  <xsl:choose>
    <xsl:when test="contains($html, '&lt;')">
      <xsl:call-template name="references"><xsl:with-param name="s" select="substring-before($html, '&lt;')"/></xsl:call-template>
      <xsl:text> </xsl:text>
      <xsl:if test="contains(substring-after($html, '&lt;'), '&gt;')">
        <xsl:call-template name="text"><xsl:with-param name="html" select="substring-after(substring-after($html, '&lt;'), '&gt;')"/></xsl:call-template>
      </xsl:if>
    </xsl:when>
    <xsl:otherwise><xsl:call-template name="references"><xsl:with-param name="s" select="$html"/></xsl:call-template></xsl:otherwise>
  </xsl:choose>
</xsl:template>

<xsl:template name="references">
  <xsl:param name="s"/>
  <xsl:choose>
    <xsl:when test="contains($s, '&amp;')">
      <xsl:value-of select="substring-before($s, '&amp;')"/>
      <xsl:variable name="rest" select="substring-after($s, '&amp;')"/>
      <xsl:variable name="name" select="substring-before($rest, ';')"/>
      <xsl:choose>
        <xsl:when test="$name = 'amp' or $name = 'lt' or $name = 'gt' or $name = 'quot' or $name = '#34' or $name = '#39' or $name = '#x27'">
          <xsl:choose>
            <xsl:when test="$name = 'amp'">&amp;</xsl:when>
            <xsl:when test="$name = 'lt'">&lt;</xsl:when>
            <xsl:when test="$name = 'gt'">&gt;</xsl:when>
            <xsl:when test="$name = 'quot' or $name = '#34'">"</xsl:when>
            <xsl:otherwise>'</xsl:otherwise>
          </xsl:choose>
          <xsl:call-template name="references"><xsl:with-param name="s" select="substring-after($rest, ';')"/></xsl:call-template>
        </xsl:when>
        <xsl:otherwise>&amp;<xsl:call-template name="references"><xsl:with-param name="s" select="$rest"/></xsl:call-template></xsl:otherwise>
      </xsl:choose>
    </xsl:when>
    <xsl:otherwise><xsl:value-of select="$s"/></xsl:otherwise>
  </xsl:choose>
</xsl:template>
</xsl:stylesheet>
