/* CKAN's DataTables view (ckanext/datatablesview), accessible and in the
 * page's language, without changing CKAN's script: everything here runs on
 * DataTables' own events, which bubble to the document.
 *
 * preInit.dt (the header is built, no row drawn yet):
 *   - each column filter gets a name: "กรองคอลัมน์ <column>" (CKAN's inputs
 *     have none; DataTables copies the header, names included, under the
 *     scrolling body at every draw);
 *   - the row-number column "_id" is called "แถวที่" (header, sort label);
 *   - the columns' names for screen readers lose CKAN's "&nbsp;" padding;
 *   - a column whose name holds ".", "[" or "(" is read by its name: as a
 *     "data" option DataTables reads those as a path into the row
 *     ("ร้อยละ.ผ่าน" → row["ร้อยละ"]["ผ่าน"]), so its cells showed empty.
 * draw.dt (after each page of rows):
 *   - the hidden field KeyTable puts in the first cell, through which Tab
 *     enters the table's cells, is named ("the table's cells: arrow keys");
 *   - the zero-high copy of the header above the rows is hidden from screen
 *     readers and the keyboard.
 * init.dt (the first rows are in, after CKAN's initComplete):
 *   - the link under the table shows the dataset's title, not its URL name;
 *   - the file's dates in its tooltip are the server's (Buddhist Era);
 *   - the invisible frame dataTables.scrollResize uses to notice resizing is
 *     hidden from screen readers and the keyboard.
 * The texts come translated from templates/datatables/datatables_view.html.
 */
(function ($) {
  'use strict'
  if (!$ || !$.fn.dataTable) {
    return
  }

  function texts () {
    const main = document.getElementById('utt1-table-view')
    return main ? main.dataset : null
  }

  // "a.b", "a[0]" and "f()" are paths and calls in a DataTables "data"
  // option; a DataStore column name is only ever a key of the row.
  const PATH = /[.[(]/

  function byName (name) {
    return function (row, type, value) {
      if (type === 'set') {
        row[name] = value
        return
      }
      return row[name]
    }
  }

  function readByName (settings) {
    const internal = $.fn.dataTable.ext.internal
    if (!internal || typeof internal._fnColumnOptions !== 'function') {
      return // another DataTables: tests/catalog/test_e2e_preview.py says so
    }
    settings.aoColumns.forEach(function (col, i) {
      if (typeof col.mData === 'string' && PATH.test(col.mData)) {
        // the column's options computed again with the new "data" (this
        // also rebuilds its cached getter and setter)
        internal._fnColumnOptions(settings, i, { mData: byName(col.mData) })
      }
    })
  }

  // The copy of the header DataTables puts, zero high, above the rows of a
  // scrolling table to size its columns (made again at every draw and
  // column adjustment): hidden from screen readers and the keyboard, or each
  // filter would be there twice. The table's own header has moved into the
  // scrolling head's table, so a thead left in the table is the copy.
  function hideSizingHead (settings) {
    $(settings.nTable).children('thead').not(settings.nTHead).attr('aria-hidden', 'true')
      .find('input, button, a, [tabindex]').attr('tabindex', '-1')
  }

  function watchSizingHead (settings) {
    if (window.MutationObserver) {
      new window.MutationObserver(function () {
        hideSizingHead(settings)
      }).observe(settings.nTable, { childList: true })
    }
  }

  $(document).on('preInit.dt', function (e, settings) {
    if (e.namespace !== 'dt' || settings.nTable.id !== 'dtprv') {
      return
    }
    const t = texts()
    readByName(settings)
    watchSizingHead(settings)
    if (!t) {
      return
    }
    settings.aoColumns.forEach(function (col, i) {
      const th = $(col.nTh)
      if (i === 0) {
        // CKAN's row id "_id"
        th.text(t.rowLabel)
        col.sTitle = t.rowLabel
        col.sName = t.rowLabel
      } else {
        col.sTitle = th.text().replace(/\s+/g, ' ').trim()
      }
    })
    // (the header has moved into the scrolling head's own table by now)
    $(settings.nTHead).find('th.fhead input').each(function () {
      const name = settings.aoColumns[$(this).closest('th').index()]
      const title = name ? name.sTitle : ''
      this.setAttribute('aria-label', t.filterLabel + ' ' + title)
    })
  })

  $(document).on('draw.dt', function (e, settings) {
    if (e.namespace !== 'dt' || settings.nTable.id !== 'dtprv') {
      return
    }
    const t = texts()
    if (t) {
      $(settings.nTBody).find('td > div > input[type=text]').attr('aria-label', t.keysLabel)
    }
    hideSizingHead(settings)
  })

  $(document).on('init.dt', function (e, settings) {
    if (e.namespace !== 'dt' || settings.nTable.id !== 'dtprv') {
      return
    }
    const t = texts()
    if (!t) {
      return
    }
    const link = $('div.resourceinfo a').first()
    link.text(t.source)
    link.next('i.fa-info-circle').attr('title', t.resourceInfo)
    $('#resize_wrapper iframe, .dataTables_wrapper iframe').each(function () {
      this.setAttribute('aria-hidden', 'true')
      this.setAttribute('tabindex', '-1')
      this.setAttribute('role', 'presentation')
    })
  })
})(window.jQuery)
