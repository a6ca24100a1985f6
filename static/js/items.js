// Catalog pages: conveniences on top of forms that already work without JavaScript.
(() => {
  // "Select all on this page" for the bulk form (hidden when there is no script).
  const all = document.getElementById("select-all");
  if (all) {
    const picks = () => Array.from(document.querySelectorAll("input.pick"));
    all.hidden = false;
    all.parentElement.querySelector(".select-all-label").hidden = false;
    all.addEventListener("change", () => picks().forEach((box) => { box.checked = all.checked; }));
    document.addEventListener("change", (event) => {
      if (event.target.classList && event.target.classList.contains("pick")) {
        all.checked = picks().every((box) => box.checked);
      }
    });
  }

  // The category choice only matters when moving: show it then.
  const action = document.getElementById("bulk-action");
  const category = document.getElementById("bulk-category");
  if (action && category) {
    const label = document.querySelector('label[for="bulk-category"]');
    const sync = () => {
      const moving = action.value === "move";
      category.hidden = !moving;
      if (label) label.hidden = !moving;
    };
    action.addEventListener("change", sync);
    sync();
  }

  // Photos upload as soon as they are picked (with a progress bar) and stay in the form
  // as ticked tokens, through any error and a reload. If an upload fails, the photos
  // stay in the file input and go with the form as they would without a script.
  const picker = document.getElementById("photo-picker");
  const input = picker && picker.querySelector("input[type=file]");
  if (input && window.FormData && window.XMLHttpRequest) {
    const form = input.form;
    const list = picker.querySelector("[data-held]");
    const hint = picker.querySelector("[data-held-hint]");
    const bar = picker.querySelector("[data-progress]");
    const errors = picker.querySelector("[data-upload-errors]");
    const csrf = form.querySelector("input[name=csrf_token]").value;
    let busy = 0;
    let saveWhenDone = null; // the button tapped while photos were still on their way
    const showErrors = (messages) => {
      errors.replaceChildren(...messages.map((text) => {
        const p = document.createElement("p");
        p.className = "error";
        p.textContent = text;
        return p;
      }));
    };
    // A photo shows in the list the moment it is picked, at its final size, so that
    // nothing moves under a thumb already on its way to Save when the upload ends.
    const row = (name, preview) => {
      const item = document.createElement("li");
      const label = document.createElement("label");
      label.className = "check";
      const box = document.createElement("input");
      Object.assign(box, { type: "checkbox", checked: true, disabled: true });
      box.setAttribute("aria-label", `${picker.dataset.remove}: ${name}`);
      const img = document.createElement("img");
      Object.assign(img, { className: "thumb", src: preview, alt: "", width: 64, height: 64 });
      const handle = document.createElement("span");
      handle.className = "drag-handle";
      handle.append(img);
      const text = document.createElement("span");
      text.textContent = name;
      label.append(box, " ", handle, " ", text);
      item.append(label);
      list.append(item);
      hint.hidden = false;
      return { item, box, img, name };
    };
    const hold = (entry, upload) => {
      Object.assign(entry.box, { name: "uploads", value: upload.token, disabled: false });
      entry.item.removeAttribute("aria-busy");
      const local = entry.img.src;
      entry.img.addEventListener("load", () => URL.revokeObjectURL(local), { once: true });
      entry.img.src = upload.preview;
    };
    input.addEventListener("change", () => {
      const files = Array.from(input.files || []);
      if (!files.length) return;
      const data = new FormData();
      files.forEach((file) => data.append("photos", file));
      const waiting = files.map((file) => {
        const entry = row(file.name, URL.createObjectURL(file));
        entry.item.setAttribute("aria-busy", "true");
        return entry;
      });
      const drop = (entries) => {
        entries.forEach((entry) => {
          URL.revokeObjectURL(entry.img.src);
          entry.item.remove();
        });
        hint.hidden = !list.querySelector("input[name=uploads]");
      };
      const request = new XMLHttpRequest();
      request.open("POST", picker.dataset.uploadUrl);
      request.setRequestHeader("X-CSRFToken", csrf);
      request.setRequestHeader("Accept", "application/json");
      busy += 1;
      bar.hidden = false;
      bar.value = 0;
      picker.setAttribute("aria-busy", "true");
      request.upload.addEventListener("progress", (event) => {
        if (event.lengthComputable) bar.value = Math.round((100 * event.loaded) / event.total);
      });
      const done = () => {
        busy -= 1;
        if (!busy) {
          bar.hidden = true;
          picker.removeAttribute("aria-busy");
          if (saveWhenDone) {
            const button = saveWhenDone;
            saveWhenDone = null;
            // After the new tokens are in; with the same button ("Save and add another").
            setTimeout(() => form.requestSubmit(button instanceof HTMLButtonElement ? button : null), 0);
          }
        }
      };
      request.addEventListener("load", () => {
        let body = null;
        try {
          body = JSON.parse(request.responseText);
        } catch (error) {
          body = null;
        }
        if (!body || !Array.isArray(body.uploads)) {
          drop(waiting);
          showErrors([picker.dataset.failed]);
          done();
          return;
        }
        const left = waiting.slice();
        body.uploads.forEach((upload) => {
          const named = left.findIndex((entry) => entry.name === upload.name);
          const at = named >= 0 ? named : 0; // in the order picked, less the refused
          if (left.length) hold(left.splice(at, 1)[0], upload);
          else hold(row(upload.name, upload.preview), upload);
        });
        drop(left); // refused: the reason is shown below
        showErrors(body.errors || []);
        input.value = ""; // held now: the form sends their tokens, not the files again
        done();
      });
      request.addEventListener("error", () => {
        drop(waiting);
        showErrors([picker.dataset.failed]);
        done();
      });
      request.send(data);
    });
    // Saving while a photo is still on its way would leave it out: save once it is in.
    form.addEventListener("submit", (event) => {
      if (!busy) return;
      event.preventDefault();
      saveWhenDone = event.submitter || true;
    }, true);
  }

  // Photos are put in order by dragging their thumbnail, with a finger or a mouse. A list
  // with data-order-url (an item's saved photos) posts the new order and shows the list
  // as the server answers; held photos just move, and the form sends them in that order.
  // The arrow buttons beside saved photos stay the keyboard's (and no script's) way.
  let drag = null;
  document.addEventListener("pointerdown", (event) => {
    const handle = event.target.closest && event.target.closest("[data-sortable] .drag-handle");
    if (!handle || event.button > 0) return;
    const list = handle.closest("[data-sortable]");
    const item = handle.closest("li");
    if (!item || item.parentElement !== list || list.children.length < 2) return;
    drag = { list, item, pointer: event.pointerId, was: Array.from(list.children) };
    handle.setPointerCapture(event.pointerId);
    item.classList.add("dragging");
    event.preventDefault(); // no text selection or image drag under the pointer
  });
  document.addEventListener("pointermove", (event) => {
    if (!drag || event.pointerId !== drag.pointer) return;
    const under = document.elementFromPoint(event.clientX, event.clientY);
    const target = under && under.closest("li");
    if (!target || target === drag.item || target.parentElement !== drag.list) return;
    const items = Array.from(drag.list.children);
    if (items.indexOf(target) > items.indexOf(drag.item)) target.after(drag.item);
    else target.before(drag.item);
  });
  const saveOrder = (list, was) => {
    const error = list.nextElementSibling && list.nextElementSibling.matches("[data-sort-error]")
      ? list.nextElementSibling : null;
    const data = new FormData();
    list.querySelectorAll("li[data-id]").forEach((li) => data.append("photo_ids", li.dataset.id));
    const csrf = document.querySelector("input[name=csrf_token]");
    list.setAttribute("aria-busy", "true");
    fetch(list.dataset.orderUrl, {
      method: "POST",
      body: data,
      headers: { "X-CSRFToken": csrf ? csrf.value : "" },
    }).then((response) => {
      if (!response.ok) throw new Error(String(response.status));
      return response.text();
    }).then((html) => {
      if (error) error.remove();
      list.outerHTML = html; // the server's list: cover badge, buttons and labels in order
    }).catch(() => {
      list.append(...was);
      list.removeAttribute("aria-busy");
      if (error) {
        error.textContent = list.dataset.failed;
        error.hidden = false;
      }
    });
  };
  const endDrag = (event) => {
    if (!drag || event.pointerId !== drag.pointer) return;
    const { list, item, was } = drag;
    drag = null;
    item.classList.remove("dragging");
    const moved = Array.from(list.children).some((li, index) => li !== was[index]);
    if (!moved || event.type === "pointercancel") {
      if (moved) list.append(...was);
      return;
    }
    // A mouse's click follows at once, on the label the drag began in: it must not untick
    // the photo. Only a click on the dragged photo: a tap on Save goes through.
    const swallow = (click) => {
      if (item.contains(click.target)) click.preventDefault();
    };
    document.addEventListener("click", swallow, true);
    setTimeout(() => document.removeEventListener("click", swallow, true), 100);
    if (list.dataset.orderUrl) saveOrder(list, was);
  };
  document.addEventListener("pointerup", endDrag);
  document.addEventListener("pointercancel", endDrag);

  // The new category's name field only matters when "New category…" is chosen.
  document.querySelectorAll("[data-new-category]").forEach((box) => {
    const select = document.getElementById(box.dataset.newCategory);
    const name = box.querySelector("[data-new-category-name]");
    if (!select || !name) return;
    const sync = () => {
      const making = select.value === "new";
      const hadFocus = name.contains(document.activeElement);
      name.hidden = !making;
      if (making && !hadFocus && document.activeElement === select) name.querySelector("input").focus();
    };
    select.addEventListener("change", sync);
    name.hidden = select.value !== "new" && !name.querySelector("input").value;
  });

  // Back from saving an option (…/edit#options): open the "More" it is folded under,
  // for browsers that do not reveal a fragment inside a closed <details> by themselves.
  const target = window.location.hash && document.getElementById(window.location.hash.slice(1));
  const fold = target && target.closest("details");
  if (fold && !fold.open) {
    fold.open = true;
    target.scrollIntoView();
  }

  // A second tap on Save while photos upload would create the product twice.
  document.querySelectorAll("form[data-submit-once]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (event.defaultPrevented) return;
      if (form.dataset.sending) {
        event.preventDefault();
        return;
      }
      form.dataset.sending = "1";
      form.querySelectorAll("button[type=submit]").forEach((button) => {
        button.setAttribute("aria-disabled", "true");
      });
    });
  });
})();
